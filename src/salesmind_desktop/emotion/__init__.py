"""Emotion engines: text, voice and their fusion. No Qt, no audio devices, no database."""
