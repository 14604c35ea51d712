"""The baseline: a bare Flask JSON hello-world under the same gunicorn settings."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def hello():
    return jsonify(hello="världen")
