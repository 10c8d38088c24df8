"""Live push: the publisher (domain events -> Socket.IO rooms) and socket handlers."""
