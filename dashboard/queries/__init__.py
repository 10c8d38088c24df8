"""Read side: queries for pages and APIs, returning rows or plain dataclasses."""
