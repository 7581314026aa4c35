"""Connections (顔見知り): two members who have met, connected with the consent of both."""
