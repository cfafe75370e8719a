"""HTTP: translates requests into commands and queries. Holds no business rule."""
