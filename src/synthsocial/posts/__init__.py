"""Multi-platform posts written by language models (Tari et al. 2025) for the users of a world."""
