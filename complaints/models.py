"""Complaint cases from workers abroad and their families, their events and deadlines."""
