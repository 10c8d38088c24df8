# Copy to instance/config.py to override defaults on this machine.
# Environment variables (DATABASE_URL, REDIS_URL, PANTAU_SECRET_KEY, ...) win over this file.
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://pantau@127.0.0.1/pantau"
# SESSION_COOKIE_SECURE = True
