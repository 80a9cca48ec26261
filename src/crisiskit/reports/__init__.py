"""Reports on crises: figures over a period, and pictures of them."""
