from lester.cli import app

app()
