"""The simulation: zones, investors, developers, agencies and the economy on one clock."""
