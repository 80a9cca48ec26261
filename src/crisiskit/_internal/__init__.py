"""Private helpers shared by every layer: argument checks, instants, the serialisation registry, zone arithmetic. Not public API."""
