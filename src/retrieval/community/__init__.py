"""What a community around the bot needs: per-server settings, a record of answers, votes and stats.

Stored in the library's database (SQLite by default, PostgreSQL when NEWSDESK_DATABASE_URL says so), in
tables of their own with their own schema version, so the article library and this part migrate
independently. The bot only formats and routes; the rules live here.
"""
