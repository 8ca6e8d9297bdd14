"""What the handbook must contain (the chapters issue), for the tests."""

CHAPTERS = {
    "welcome": "How to Use This Handbook",
    "what-is-emotional-intimacy": "What Emotional Intimacy Is",
    "science-of-connection": "The Science of Connection",
    "consistency": "Pillar One: Consistency",
    "responsiveness": "Pillar Two: Responsiveness",
    "empathy": "Pillar Three: Empathy",
    "busy-lives": "Intimacy in Busy Lives",
    "the-cycle": "The Cycle Under the Arguments",
    "couples-therapy": "How Couples Therapy Helps",
    "vulnerability": "Vulnerability and Closeness",
    "daily-connection": "Connection in Daily Life",
    "getting-help": "When You Need More Help",
}

# Chapters about research or therapy methods: at least three sources each.
RESEARCH_CHAPTERS = (
    "science-of-connection",
    "consistency",
    "responsiveness",
    "empathy",
    "the-cycle",
    "couples-therapy",
    "vulnerability",
    "daily-connection",
)

EXERCISES = (
    "daily-check-in",
    "where-are-we-now",
    "consistency-check",
    "turning-toward-bids",
    "good-news",
    "reflective-listening",
    "stress-reducing-talk",
    "screens-off",
    "map-your-cycle",
    "softer-feeling",
    "softened-start-up",
    "take-a-break",
    "vulnerability-steps",
    "ritual-of-connection",
    "appreciation",
    "repair-script",
)

CRISIS_NUMBERS = ("988", "1-800-799-7233", "88788")
