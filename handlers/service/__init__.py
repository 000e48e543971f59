"""Running happytalk as a service: adapters supervised, an ops listener (health, readiness, metrics)."""
