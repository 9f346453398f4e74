"""After-sales (售后): intercepting cancelled orders wherever they are, and receiving returns."""
