"""The live article library: a database of articles, ingestion from files and links, safe fetching."""
