"""The floor: the smallest Flask app, served with exactly the app's gunicorn settings.

Whatever this reaches on a machine is the most any Flask page can reach there; the app's
pages are judged as a share of it, which keeps the bars meaningful on slow or busy machines.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello"
