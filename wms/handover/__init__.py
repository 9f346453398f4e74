"""Dock handover (交接): parcels scanned onto a carrier manifest; closing it ships them."""
