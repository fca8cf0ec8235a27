"""Small networks: categorical generators, critics, continuous MLPs."""
