"""gencraft's speed suite: every benchmark races a named baseline in the same run."""
