"""Speaking France's carpool interoperability standard (standard covoiturage, FabMob).

Two halves, both in the core's words: partner platforms search our trips and needs and book
our drivers (`served.py`, `bookings.py`), and our passengers see the partners' journeys
(`theirs.py`). The HTTP routes (handlers/http/interop.py) and the HTTP client
(handlers/http/partner_client.py) only parse and render JSON.
"""
