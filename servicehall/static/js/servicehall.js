// Shared helpers for every page.
