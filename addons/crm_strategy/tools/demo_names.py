"""Names and places of the demo company's customers: plain data, drawn from by demo_plan."""

FIRST_NAMES = (
    "Anna", "Ben", "Chloé", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Karin", "Liam", "Maya",
    "Noah", "Olivia", "Pierre", "Quentin", "Rosa", "Samuel", "Tara", "Uma", "Victor", "Wendy", "Xavier", "Yara",
    "Zoe", "Amir", "Bianca", "Carlos", "Dana", "Emil", "Fiona", "Gustav", "Hannah", "Ivan", "Julia", "Kenji",
    "Laura", "Marco", "Nina", "Oscar", "Priya", "Rafael", "Sofia", "Tom", "Valerie", "William", "Lena",
)
LAST_NAMES = (
    "Adams", "Becker", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ivanova", "Jansen", "Keller",
    "Lambert", "Martin", "Nielsen", "Okafor", "Peeters", "Quinn", "Rossi", "Schmidt", "Tanaka", "Urban", "Vogel",
    "Walker", "Young", "Zimmermann", "Moreau", "Novak", "Olsen", "Patel", "Richter", "Santos", "Thomsen",
    "Bauer", "Clarke", "Duarte", "Engel", "Fontaine", "Gray", "Horvat", "Jensen",
)
COMPANY_PREFIXES = (
    "Atlas", "Beacon", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iris", "Juniper", "Keystone",
    "Lumen", "Meridian", "Northwind", "Orchid", "Pioneer", "Quarry", "Riverside", "Summit", "Tidewater", "Union",
    "Vertex", "Willow", "Zenith", "Apex", "Bluebird", "Crescent", "Driftwood", "Evergreen", "Foxglove", "Helix",
    "Ironbridge", "Lighthouse", "Maple", "Nova", "Oakridge", "Polaris", "Redwood", "Silverline", "Sterling",
)
COMPANY_SUFFIXES = (
    "Consulting", "Architects", "Logistics", "Legal", "Dental Care", "Software", "Bank", "Studios", "Engineering",
    "Clinic", "Accountants", "Realty", "Media", "Labs", "Insurance", "Hotels", "Foods", "Solutions", "Partners",
    "Systems", "Academy", "Energy", "Design", "Group",
)
# (city, country code, zip)
CITIES = (
    ("New York", "us", "10001"), ("Chicago", "us", "60601"), ("San Francisco", "us", "94105"),
    ("Austin", "us", "73301"), ("Boston", "us", "02108"), ("Seattle", "us", "98101"), ("Denver", "us", "80202"),
    ("Toronto", "ca", "M5H 2N2"), ("Vancouver", "ca", "V6B 1A1"), ("London", "gb", "EC1A 1BB"),
    ("Manchester", "gb", "M1 1AE"), ("Berlin", "de", "10115"), ("Munich", "de", "80331"), ("Paris", "fr", "75001"),
    ("Lyon", "fr", "69001"), ("Brussels", "be", "1000"), ("Antwerp", "be", "2000"), ("Amsterdam", "nl", "1012"),
    ("Rotterdam", "nl", "3011"), ("Copenhagen", "dk", "1050"), ("Stockholm", "se", "111 20"),
    ("Madrid", "es", "28001"), ("Milan", "it", "20121"), ("Zurich", "ch", "8001"),
)
STREETS = ("Main Street", "Market Street", "Park Avenue", "Station Road", "High Street", "Church Lane",
           "Harbour Way", "Mill Road", "King Street", "Oak Avenue", "River Road", "Queen Street")
