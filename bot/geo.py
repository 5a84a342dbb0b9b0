"""Distances on the Earth, in one place: the places, the matching, the services and the
transit planner all measure with the same sphere, so a distance checked in one is the same
in another."""

import math

# The mean Earth radius (IUGG); the error of a sphere against the ellipsoid (under 0.5 %) is
# far below a road's detour factor.
EARTH_RADIUS_KM = 6371.0088


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points given in degrees (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
