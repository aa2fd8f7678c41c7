from assistant.apps.cli import app

app()
