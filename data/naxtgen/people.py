"""Fictional people, places, firms and products. Any resemblance to real persons or firms is coincidental."""

from __future__ import annotations

ADVISORS = [
    ("Priya", "Raman", "Boston"),
    ("Marcus", "Ellery", "Chicago"),
    ("Sofia", "Castellano", "Miami"),
    ("Daniel", "Oyelaran", "Atlanta"),
    ("Grace", "Whitcombe", "New York"),
    ("Tomasz", "Wilk", "Chicago"),
    ("Naomi", "Hartwell", "Seattle"),
    ("Rafael", "Quintero", "San Diego"),
    ("Helen", "Achterberg", "Denver"),
    ("Kenji", "Arakawa", "San Francisco"),
]

# role key -> (first, last, title used in speech, team used in speech)
SPECIALISTS = {
    "estate": ("Dana", "Whitfield", "estate planning specialist", "trust and estate"),
    "tax": ("Owen", "Pemberton", "tax strategist", "tax strategy"),
    "lending": ("Lucia", "Ferrante", "lending specialist", "private lending"),
    "alts": ("Arjun", "Mehrotra", "alternative investments specialist", "alternative investments"),
    "giving": ("Beatrice", "Olufemi", "philanthropy specialist", "philanthropic services"),
    "income": ("Colin", "Brandvold", "retirement income specialist", "retirement income"),
    "cash": ("Yara", "Haddad", "cash management specialist", "cash management"),
    "manager": ("Walter", "Jaswinski", "branch manager", "branch management"),
    "education": ("Mei", "Lindgren", "education planning specialist", "family planning"),
    "risk": ("Ingrid", "Solberg", "portfolio strategist", "portfolio strategy"),
}

CLIENT_FIRST = [
    "Harold", "Evelyn", "Samuel", "Margaret", "Anil", "Rosalind", "Victor", "Camille", "Desmond", "Leona",
    "Gideon", "Marisol", "Theodore", "Adaeze", "Preston", "Yolanda", "Bernard", "Ingrid", "Casimir", "Lorraine",
    "Nikhil", "Odette", "Reginald", "Suzanne", "Emeka", "Beatriz", "Franklin", "Hana", "Lionel", "Annika",
    "Rupert", "Tamsin", "Ignatius", "Celeste", "Mateo", "Dolores", "Wendell", "Priscilla", "Yusuf", "Genevieve",
    "Cornelius", "Ramona", "Augustin", "Delphine", "Barnaby", "Oksana", "Quentin", "Imogen", "Elias", "Fumiko",
    "Horace", "Marguerite", "Julian", "Ngozi", "Stellan", "Vivienne", "Ezra", "Rosario", "Silas", "Lucinda",
    "Ambrose", "Katarina", "Lamar", "Philippa", "Osvaldo", "Henrietta", "Thaddeus", "Soraya", "Clement",
    "Wilhelmina", "Raymond", "Ayesha", "Benedict", "Marjorie", "Dmitri", "Gwendolyn", "Alistair", "Paloma",
    "Cyrus", "Eleanor", "Kwame", "Rosalie", "Matthias", "Sabine", "Orson", "Valentina", "Jasper", "Esther",
]
CLIENT_LAST = [
    "Lindqvist", "Ashworth", "Okonkwo", "Delacroix", "Venkataraman", "Prendergast", "Halloran", "Moreau",
    "Blackwood", "Szymanski", "Ferreira", "Takahashi", "Abernethy", "Castellanos", "Whitlock", "Oyelowo",
    "Brennan", "Kowalczyk", "Marchetti", "Nakamura", "Osei", "Rutherford", "Sandoval", "Thorsen", "Vasquez",
    "Winterbourne", "Yilmaz", "Zeller", "Albright", "Beaumont", "Carrington", "Dunmore", "Eskildsen",
    "Fairbanks", "Galloway", "Hargreave", "Iwasaki", "Jablonski", "Kingsley", "Lockhart", "Mbeki",
    "Northcott", "Ostrowski", "Pellegrini", "Quartermaine", "Radcliffe", "Sorensen", "Trevelyan", "Umeh",
    "Valdivia", "Wexford", "Ambrosetti", "Bellweather", "Crowhurst", "Dragomir", "Ellsworth", "Fontaine",
    "Grimaldi", "Holloway", "Ivanova", "Jessop", "Kavanagh", "Lachance", "Montgomery", "Nilsson", "Orlov",
    "Penrose", "Quintana", "Rasmussen", "Stroud", "Tennant", "Underhill", "Vance", "Waverley", "Adeyemi",
    "Bancroft", "Cheng", "Demir", "Esposito", "Fairweather", "Gallagher", "Hoffmann", "Ishikawa", "Jorgensen",
    "Kimura", "Lindholm", "Mendoza", "Novak",
]
PARTNER_FIRST = [
    "Clara", "Martin", "Renee", "Owen", "Sunita", "Gareth", "Louisa", "Tobias", "Mirela", "Howard",
    "Abigail", "Felix", "Noor", "Patrick", "Celia", "Arturo", "Jolene", "Bruno", "Lydia", "Rashid",
]
CHILD_FIRST = [
    ("Maya", "f"), ("Theo", "m"), ("Lucas", "m"), ("Zara", "f"), ("Eli", "m"), ("Nora", "f"), ("Isaac", "m"),
    ("Ruby", "f"), ("Omar", "m"), ("Hazel", "f"), ("Felipe", "m"), ("Ivy", "f"), ("Jonah", "m"), ("Leila", "f"),
    ("Arlo", "m"), ("Clementine", "f"), ("Kofi", "m"), ("Wren", "f"), ("Mina", "f"), ("Rowan", "m"),
]
COMPANIES = [
    "Brightwater Logistics", "Corvane Therapeutics", "Helix Ridge Software", "Tallgrass Robotics",
    "Meridel Foods", "Kestrel Avionics", "Oakvale Medical Devices", "Saltmarsh Analytics",
    "Pinecrest Semiconductor", "Lumora Health", "Quarry Lane Brewing", "Ferncliff Energy Systems",
    "Bluestem Payments", "Greyhaven Materials", "Ardent Loop Media", "Coppervale Instruments",
]
PRIVATE_BUSINESSES = [
    "a regional HVAC contracting business", "a chain of four veterinary clinics", "a commercial printing firm",
    "a specialty coffee roaster", "a dental practice group", "a freight brokerage", "an industrial cleaning company",
    "a boutique architecture studio", "a landscaping and snow removal business", "a medical billing company",
]
CHARITIES = [
    "Riverside Literacy Project", "Harbor Lights Food Bank", "Cedar Hollow Animal Rescue",
    "Fenwick Children's Hospital Foundation", "Mountain Trails Conservancy", "Eastgate Community Music School",
    "Saint Brendan's Shelter", "Blue Heron Wetlands Trust", "Open Page Library Fund", "Larkspur Hospice",
]
ALT_FUNDS = [
    ("Naxt Private Equity Partners IV", "private equity", 250_000, 10),
    ("Naxt Private Credit Income Fund", "private credit", 100_000, 4),
    ("Naxt Real Estate Opportunities Fund II", "real estate", 150_000, 7),
    ("Naxt Infrastructure Partners", "infrastructure", 200_000, 8),
    ("Naxt Venture Access Fund III", "venture capital", 250_000, 10),
]
ATTORNEYS = [
    "Ruth Abernathy", "Leon Marchbanks", "Gloria Ismail", "Stuart Penhallow", "Irene Castaneda", "Felix Duarte",
]
CPAS = ["Martin Oduya", "Karen Lisowski", "Hugo Bellamy", "Anita Chaudry", "Doug Fenner", "Sylvie Marchand"]
