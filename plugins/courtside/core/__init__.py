"""The pure core: plain functions over plain data, `today` always passed in."""
