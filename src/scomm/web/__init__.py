"""The local dashboard and JSON API (`scomm serve`)."""
