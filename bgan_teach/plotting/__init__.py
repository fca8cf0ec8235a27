"""Display objects that own their matplotlib artists and update them in place."""
