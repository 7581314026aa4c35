"""Operations: backups, restoring a backup, and the daily housekeeping command."""
