"""Models: emotion, reply generation, speech and composition."""
