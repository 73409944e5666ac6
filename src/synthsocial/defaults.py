"""Default attribute vocabularies and probabilities (homophily paper, section III-A).

Every value here is a default of :class:`synthsocial.config.PopulationConfig` and can be
replaced in a config file. Where the paper gives a value it is cited; where the paper is silent
the source of our choice is given (see also docs/algorithm.md, "Ambiguities").
"""

from __future__ import annotations

# Section III-A 2): seven age intervals and the probability vector p of the paper
# (Statista, "Distribution of social media users by age group worldwide", ref. [19]).
AGE_BANDS: list[tuple[int, int]] = [(0, 12), (13, 17), (18, 25), (26, 35), (36, 50), (51, 65), (66, 80)]
AGE_BAND_P: list[float] = [0.01, 0.03, 0.25, 0.30, 0.20, 0.15, 0.06]

# Paper silent on the gender split; an even split is the neutral default. Names follow gender
# (section III-A 1)); Faker's person providers know "female", "male" and "nonbinary".
GENDER_P: dict[str, float] = {"female": 0.5, "male": 0.5}

# Section III-A 3): Big Five in binary form; P(+) = 0.75 for Extraversion, Neuroticism and
# Openness (the paper's reading of Cinelli et al., ref. [21]); 0.5 for the other two.
TRAIT_P: dict[str, float] = {
    "Extraversion": 0.75,
    "Neuroticism": 0.75,
    "Openness": 0.75,
    "Agreeableness": 0.5,
    "Conscientiousness": 0.5,
}

# Highest qualification completed, with the youngest age at which it can be held. The paper
# lists qualifications (Table IV) but gives no distribution; the per-band shares below are rough
# figures in line with OECD "Education at a Glance 2023" (tertiary attainment about 47% at
# 25-34, about 40% at 25-64, lower for older cohorts). A level is only drawn when the user is
# old enough for it (consistency with age, issue 2).
QUALIFICATIONS: list[tuple[str, int]] = [
    ("No Formal Qualification", 0),
    ("Primary School", 11),
    ("Middle School", 14),
    ("High School Diploma", 17),
    ("Professional Certificate", 18),
    ("Associate Degree", 20),
    ("Bachelor's Degree", 21),
    ("Master's Degree", 23),
    ("PhD", 27),
]
# One row per age band, one column per qualification above (rows need not sum to one after
# the age mask; they are renormalised over the levels a user is old enough for).
QUALIFICATION_P: list[list[float]] = [
    [0.50, 0.50, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],  # 0-12
    [0.00, 0.35, 0.60, 0.05, 0.00, 0.00, 0.00, 0.00, 0.00],  # 13-17
    [0.00, 0.02, 0.08, 0.45, 0.15, 0.10, 0.17, 0.03, 0.00],  # 18-25
    [0.00, 0.02, 0.06, 0.25, 0.15, 0.08, 0.28, 0.13, 0.03],  # 26-35
    [0.00, 0.03, 0.08, 0.27, 0.15, 0.08, 0.24, 0.12, 0.03],  # 36-50
    [0.00, 0.05, 0.12, 0.30, 0.14, 0.07, 0.20, 0.10, 0.02],  # 51-65
    [0.01, 0.10, 0.15, 0.30, 0.12, 0.06, 0.15, 0.09, 0.02],  # 66-80
]

# Section III-A 4): one pool of occupations per age band, drawn uniformly ("Student" only in
# 13-25 and "Retired" only in 66-80, as in the paper's examples). The paper's own lists are not
# published; these pools follow its Table II and Table IV (Student, Engineer, Designer, Retired,
# Waiter, Employee, Builder, Chemist, Psychologist, Police, Trucker) and common occupational
# groups (ISCO-08 major groups) for the rest.
_WORKING_AGE = [
    "Software Developer",
    "Engineer",
    "Technician",
    "Electrician",
    "Plumber",
    "Mechanic",
    "Builder",
    "Architect",
    "Nurse",
    "Doctor",
    "Pharmacist",
    "Dentist",
    "Psychologist",
    "Teacher",
    "Researcher",
    "Chemist",
    "Data Scientist",
    "Accountant",
    "Lawyer",
    "Banker",
    "Sales Representative",
    "Marketing Manager",
    "Manager",
    "Entrepreneur",
    "Employee",
    "Civil Servant",
    "Police Officer",
    "Firefighter",
    "Soldier",
    "Trucker",
    "Delivery Driver",
    "Chef",
    "Waiter",
    "Cashier",
    "Hairdresser",
    "Farmer",
    "Journalist",
    "Designer",
    "Photographer",
    "Musician",
    "Actor",
    "Social Worker",
    "Real Estate Agent",
    "Consultant",
    "Homemaker",
    "Unemployed",
]
OCCUPATIONS_BY_BAND: list[list[str]] = [
    ["Pupil"],  # 0-12
    ["Student", "Apprentice", "Babysitter", "Cashier", "Lifeguard"],  # 13-17
    [  # 18-25
        "Student",
        "Apprentice",
        "Cashier",
        "Waiter",
        "Barista",
        "Retail Assistant",
        "Delivery Driver",
        "Warehouse Worker",
        "Call Center Agent",
        "Content Creator",
        "Fitness Instructor",
        "Soldier",
        "Hairdresser",
        "Nurse",
        "Software Developer",
        "Designer",
        "Musician",
        "Athlete",
        "Unemployed",
    ],
    _WORKING_AGE + ["Content Creator", "Athlete", "Fitness Instructor", "Barista"],  # 26-35
    _WORKING_AGE + ["Professor", "Pilot", "Veterinarian", "Shop Owner"],  # 36-50
    _WORKING_AGE + ["Professor", "Pilot", "Veterinarian", "Shop Owner", "Judge", "Politician"],
    ["Retired", "Volunteer", "Farmer", "Consultant", "Writer", "Shop Owner", "Homemaker"],  # 66-80
]

# Section III-A 5): thematic interest categories (the paper's examples: Technology, Sports,
# Politics, Science, Culture, Health, History, Music; Table IV: Basketball, Painting, Cooking,
# Crafts, Board Games, Photography, Nature Photography, Classical Music, Contemporary Music).
INTERESTS: list[str] = [
    "Technology",
    "Artificial Intelligence",
    "Programming",
    "Video Games",
    "Board Games",
    "Science",
    "Space",
    "Mathematics",
    "History",
    "Philosophy",
    "Politics",
    "Economics",
    "Finance",
    "Cryptocurrency",
    "Business",
    "Law",
    "Environment",
    "Climate Change",
    "Nature Photography",
    "Photography",
    "Painting",
    "Crafts",
    "Design",
    "Fashion",
    "Beauty",
    "Architecture",
    "Literature",
    "Poetry",
    "Writing",
    "Movies",
    "Television",
    "Anime",
    "Comics",
    "Theatre",
    "Classical Music",
    "Contemporary Music",
    "Hip Hop",
    "Rock Music",
    "Jazz",
    "Dance",
    "Cooking",
    "Baking",
    "Food",
    "Wine",
    "Coffee",
    "Travel",
    "Hiking",
    "Camping",
    "Gardening",
    "Pets",
    "Animals",
    "Health",
    "Fitness",
    "Yoga",
    "Running",
    "Cycling",
    "Football",
    "Basketball",
    "Tennis",
    "Formula One",
    "Cars",
    "Religion",
    "Parenting",
    "Education",
    "Volunteering",
    "Culture",
    "Sports",
    "Music",
    "Memes",
    "Astrology",
    "Home Improvement",
    "Psychology",
]
