#!/usr/bin/env python3
"""Synthetic space inventory for benchmarks: a GeoJSON FeatureCollection (RFC 7946).

N spaces (default 100,000) over a 30 x 30 km city region centred on Lille (50.63 N,
3.06 E), denser in the town centres (Lille, Roubaix, Tourcoing, Villeneuve-d'Ascq,
Armentieres, Seclin) than in between. About 70 % are points (buildings, units, shops, with
a given area_m2), about 30 % small valid polygons (rotated rectangles or regular convex
polygons of 10-100 m: plots, open spaces, buildings; their area is computed on import).
The random seed is fixed, so every run writes the same file byte for byte.

    python3 bench/make_spaces.py --count 100000 --out spaces.geojson
    python3 bench/make_spaces.py --out spaces.geojson --bbox-target 500 --bbox-out bbox.txt

With --bbox-target K it also finds the smallest square bbox centred on central Lille whose
features (by bounding-box overlap, as the server's R*Tree prefilter) number at least K, and
writes it as "min_lon,min_lat,max_lon,max_lat" to --bbox-out (or standard error).

Standard library only.
"""

import argparse
import json
import math
import random
import sys

CENTRE_LON, CENTRE_LAT = 3.06, 50.63
HALF_KM = 15.0
KM_PER_DEG_LAT = 111.32
KM_PER_DEG_LON = KM_PER_DEG_LAT * math.cos(math.radians(CENTRE_LAT))
HALF_LAT = HALF_KM / KM_PER_DEG_LAT
HALF_LON = HALF_KM / KM_PER_DEG_LON
# The bbox of the --bbox-target search is centred here (Lille centre, Grand Place).
QUERY_LON, QUERY_LAT = 3.0632, 50.6369

# (lon, lat, sigma in km, share of the clustered spaces)
TOWNS = [
    ("Lille", 3.0632, 50.6369, 2.5, 0.40),
    ("Roubaix", 3.1746, 50.6901, 1.8, 0.16),
    ("Tourcoing", 3.1614, 50.7236, 1.8, 0.13),
    ("Villeneuve-d'Ascq", 3.1413, 50.6233, 2.0, 0.11),
    ("Armentières", 2.8815, 50.6885, 0.9, 0.07),
    ("Seclin", 3.0297, 50.5487, 0.8, 0.06),
    ("Lomme", 2.9870, 50.6440, 0.9, 0.07),
]
CLUSTERED_SHARE = 0.6

STREETS = [
    "rue Nationale", "rue de Paris", "rue Solférino", "rue Gambetta", "rue Pierre Mauroy",
    "rue de Béthune", "rue Esquermoise", "boulevard de la Liberté", "rue du Molinel",
    "avenue du Peuple Belge", "rue de Lannoy", "rue de l'Épeule", "rue du Grand Chemin",
    "boulevard Victor Hugo", "rue Jean Jaurès", "rue de Wazemmes", "rue des Postes",
    "rue Léon Gambetta", "quai de la Deûle", "rue du Faubourg de Roubaix",
    "avenue de la République", "rue de la Gare", "rue Carnot", "rue Faidherbe",
    "rue du Port", "rue d'Arras", "rue de Douai", "rue de Valenciennes", "rue Colbert",
    "rue des Stations", "rue Saint-Sauveur", "rue de Fives", "rue Pierre Legrand",
]
NAME_STEMS = {
    "building": ["Ancien entrepôt", "Ancienne filature", "Maison vacante", "Immeuble vide",
                 "Ancien atelier", "Ancienne école", "Bâtiment industriel", "Ancien garage"],
    "unit": ["Local vacant", "Plateau de bureaux", "Appartement vacant", "Local associatif",
             "Atelier au rez-de-chaussée"],
    "shop": ["Cellule commerciale", "Ancienne boulangerie", "Boutique fermée",
             "Ancien café", "Local commercial"],
    "plot": ["Friche", "Terrain vague", "Parcelle en attente", "Dent creuse",
             "Ancien parking"],
    "open_space": ["Jardin en friche", "Square délaissé", "Cour intérieure",
                   "Délaissé de voirie", "Talus"],
}
TOWN_POSTCODES = {
    "Lille": "59000", "Roubaix": "59100", "Tourcoing": "59200",
    "Villeneuve-d'Ascq": "59650", "Armentières": "59280", "Seclin": "59113",
    "Lomme": "59160",
}
FUTURE_USES = ["", "", "atelier d'artistes", "tiers-lieu", "jardin partagé", "logement",
               "bureaux", "équipement public", "commerce", "démolition prévue"]
STATUSES = ["reported"] * 5 + ["verified"] * 3 + ["available"] * 2


def choice_weighted(rng, items, weights):
    x = rng.random() * sum(weights)
    for item, w in zip(items, weights):
        x -= w
        if x <= 0:
            return item
    return items[-1]


def location(rng):
    """A position in the area and the nearest town's name."""
    while True:
        if rng.random() < CLUSTERED_SHARE:
            town = choice_weighted(rng, TOWNS, [t[4] for t in TOWNS])
            _, tlon, tlat, sigma, _ = town
            lon = tlon + rng.gauss(0.0, sigma) / KM_PER_DEG_LON
            lat = tlat + rng.gauss(0.0, sigma) / KM_PER_DEG_LAT
        else:
            lon = CENTRE_LON + rng.uniform(-HALF_LON, HALF_LON)
            lat = CENTRE_LAT + rng.uniform(-HALF_LAT, HALF_LAT)
        if abs(lon - CENTRE_LON) <= HALF_LON and abs(lat - CENTRE_LAT) <= HALF_LAT:
            break
    nearest = min(TOWNS, key=lambda t: ((t[1] - lon) * KM_PER_DEG_LON) ** 2 +
                  ((t[2] - lat) * KM_PER_DEG_LAT) ** 2)
    return lon, lat, nearest[0]


def polygon_around(rng, lon, lat):
    """A closed, counter-clockwise convex ring of 10-100 m across: a rotated rectangle or
    a regular polygon (5 to 8 sides)."""
    angle0 = rng.uniform(0.0, 2.0 * math.pi)
    if rng.random() < 0.6:
        w = rng.uniform(10.0, 100.0)
        h = rng.uniform(10.0, 100.0)
        corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
        c, s = math.cos(angle0), math.sin(angle0)
        pts = [(x * c - y * s, x * s + y * c) for x, y in corners]
    else:
        n = rng.randint(5, 8)
        r = rng.uniform(5.0, 50.0)
        pts = [(r * math.cos(angle0 + 2 * math.pi * i / n),
                r * math.sin(angle0 + 2 * math.pi * i / n)) for i in range(n)]
    ring = [[round(lon + x / 1000.0 / KM_PER_DEG_LON, 7),
             round(lat + y / 1000.0 / KM_PER_DEG_LAT, 7)] for x, y in pts]
    ring.append(list(ring[0]))
    return {"type": "Polygon", "coordinates": [ring]}


def maybe(rng, p, value):
    return value if rng.random() < p else None


def iso_date(rng, start_year, end_year):
    y = rng.randint(start_year, end_year)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    return f"{y:04d}-{m:02d}-{d:02d}"


def feature(rng, index):
    lon, lat, town = location(rng)
    is_point = rng.random() < 0.70
    if is_point:
        kind = choice_weighted(rng, ["building", "unit", "shop"], [0.45, 0.25, 0.30])
        geometry = {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}
    else:
        kind = choice_weighted(rng, ["plot", "open_space", "building"], [0.55, 0.25, 0.20])
        geometry = polygon_around(rng, lon, lat)
    name = f"{rng.choice(NAME_STEMS[kind])} {rng.choice(STREETS)}"
    number = rng.randint(1, 250)
    props = {
        "name": name,
        "kind": kind,
        "owner_type": choice_weighted(rng, ["public", "private", "mixed", "unknown"],
                                      [0.35, 0.45, 0.05, 0.15]),
        "address": f"{number} {rng.choice(STREETS)}, {TOWN_POSTCODES[town]} {town}",
        "status": rng.choice(STATUSES),
        "source": "bench-synthetic",
        "source_id": f"B{index:07d}",
    }
    if is_point:
        base = {"building": (80, 3000), "unit": (20, 600), "shop": (25, 400)}[kind]
        props["area_m2"] = round(rng.uniform(*base), 1)
    if kind in ("building", "unit", "shop"):
        props["floor_area_m2"] = maybe(rng, 0.5, round(rng.uniform(20, 5000), 1))
        props["floors"] = maybe(rng, 0.6, rng.randint(1, 8))
        props["building_type"] = rng.choice(
            ["residential", "commercial", "industrial", "historical", "public", "mixed"])
        props["condition"] = rng.choice(["good", "needs_repair", "poor", "ruin"])
        props["vacancy"] = rng.choice(["complete", "partial"])
        props["step_free_access"] = maybe(rng, 0.7, rng.random() < 0.4)
    props["vacant_since"] = maybe(rng, 0.6, iso_date(rng, 2005, 2023))
    props["utilities"] = {
        "water": maybe(rng, 0.8, rng.random() < 0.7),
        "electricity": maybe(rng, 0.8, rng.random() < 0.7),
        "heating": maybe(rng, 0.6, rng.random() < 0.4),
        "internet": maybe(rng, 0.5, rng.random() < 0.3),
    }
    if rng.random() < 0.5:
        start = iso_date(rng, 2024, 2026)
        props["available_from"] = start
        if rng.random() < 0.6:
            props["available_to"] = f"{int(start[:4]) + rng.randint(1, 4)}{start[4:]}"
    props["planned_future_use"] = rng.choice(FUTURE_USES)
    if rng.random() < 0.3:
        props["notes"] = "Visite possible sur rendez-vous; clés en mairie."
    # Anything else is kept by the importer as source_attributes.
    props["cadastre"] = f"{TOWN_POSTCODES[town]}-{rng.choice('ABCDEFGH')}{rng.randint(1, 999):03d}"
    props = {k: v for k, v in props.items() if v is not None}
    return {"type": "Feature", "id": props["source_id"], "geometry": geometry,
            "properties": props}


def feature_bbox(f):
    g = f["geometry"]
    if g["type"] == "Point":
        lon, lat = g["coordinates"]
        return lon, lat, lon, lat
    ring = g["coordinates"][0]
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


def bbox_for(features, target):
    """The smallest square (in km) bbox centred on QUERY_* holding >= target features."""
    boxes = [feature_bbox(f) for f in features]

    def square(half_km):
        return (QUERY_LON - half_km / KM_PER_DEG_LON, QUERY_LAT - half_km / KM_PER_DEG_LAT,
                QUERY_LON + half_km / KM_PER_DEG_LON, QUERY_LAT + half_km / KM_PER_DEG_LAT)

    def count(b):
        return sum(1 for x0, y0, x1, y1 in boxes
                   if x1 >= b[0] and x0 <= b[2] and y1 >= b[1] and y0 <= b[3])

    lo, hi = 0.0, HALF_KM
    for _ in range(40):
        mid = (lo + hi) / 2
        if count(square(mid)) >= target:
            hi = mid
        else:
            lo = mid
    x0, y0, x1, y1 = square(hi)
    # Rounded outwards to 6 decimals (10 cm): never smaller than the square found.
    b = (math.floor(x0 * 1e6) / 1e6, math.floor(y0 * 1e6) / 1e6,
         math.ceil(x1 * 1e6) / 1e6, math.ceil(y1 * 1e6) / 1e6)
    return b, count(b)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=100_000, help="number of spaces")
    ap.add_argument("--seed", type=int, default=20240501, help="random seed (fixed)")
    ap.add_argument("--out", default="-", help="output file (- for standard output)")
    ap.add_argument("--bbox-target", type=int, default=0,
                    help="also find a bbox around central Lille holding about this many")
    ap.add_argument("--bbox-out", default="", help="where to write that bbox")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    features = [feature(rng, i + 1) for i in range(args.count)]
    doc = {"type": "FeatureCollection", "name": "bench-spaces", "features": features}
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    try:
        # One feature per line: import reports name real line numbers.
        out.write('{"type":"FeatureCollection","name":"bench-spaces","features":[\n')
        for i, f in enumerate(doc["features"]):
            out.write(json.dumps(f, ensure_ascii=False, separators=(",", ":")))
            out.write(",\n" if i + 1 < len(features) else "\n")
        out.write("]}\n")
    finally:
        if out is not sys.stdout:
            out.close()

    if args.bbox_target > 0:
        b, n = bbox_for(features, args.bbox_target)
        text = ",".join(f"{v:.6f}" for v in b)
        if args.bbox_out:
            with open(args.bbox_out, "w", encoding="utf-8") as f:
                f.write(text + "\n")
        print(f"bbox {text} holds {n} features (bbox overlap)", file=sys.stderr)


if __name__ == "__main__":
    main()
