"""Demo post captions, vectorised: each built from its creator's niche words, with hashtags;
sponsored posts say so and tag the demo brand; a few creators are organic fans of one product
(a demo brand or a competitor) and name it in about half their posts, unpaid."""

import numpy as np

# The demo brands (matchmaker.demo.workspace) and the competitors each one names.
COMPETITORS = {
    "Lumen Skincare": ["Glowhaus", "Dermaly"],
    "Trailhead Outdoor": ["Summit Supply Co", "Ridgeline Gear"],
    "Verde Oat Drinks": ["Oatwell", "Nordic Oat"],
    "Pixel Forge Gear": ["Byte Armor", "Nova Peripherals"],
}
# The products a creator of a niche may love: the niche's brands and their competitors.
PRODUCTS_BY_NICHE = {
    "Skincare": ["Lumen Skincare", "Glowhaus", "Dermaly"],
    "Makeup": ["Lumen Skincare", "Glowhaus"],
    "Outdoor": ["Trailhead Outdoor", "Summit Supply Co", "Ridgeline Gear"],
    "Running": ["Trailhead Outdoor", "Ridgeline Gear"],
    "Travel": ["Trailhead Outdoor", "Summit Supply Co"],
    "Vegan food": ["Verde Oat Drinks", "Oatwell", "Nordic Oat"],
    "Coffee": ["Verde Oat Drinks", "Oatwell"],
    "Gaming": ["Pixel Forge Gear", "Byte Armor", "Nova Peripherals"],
    "Tech": ["Pixel Forge Gear", "Nova Peripherals"],
}
FAN_SHARE = 0.25  # of the creators in those niches: organic fans of one product
FAN_MENTION = 0.5  # of a fan's posts that name the product

OPENERS = np.array([
    "New post all about", "Today's notes on", "Sunday thoughts on", "Quick tips for",
    "My honest take on", "Behind the scenes:", "Trying something new with", "Back to basics:",
    "Little update on", "Weekend plans:",
])  # fmt: skip
CLOSERS = np.array([
    "What do you think?", "Let me know below!", "Save this for later.", "More soon.",
    "Thanks for being here.", "Which one is your favourite?", "", "",
])  # fmt: skip
MENTION_LINES = np.array([
    "Still obsessed with my {} - not sponsored, just love it.",
    "Used my {} again today, nothing beats it.",
    "Everyone keeps asking: yes, it's the {} again.",
])  # fmt: skip


def build_captions(
    rng, niches: np.ndarray, keywords: np.ndarray, creators: int, per_creator: int, sponsored
) -> np.ndarray:
    """One caption per post (creator-major, per_creator posts each). niches and keywords are
    per creator (the primary category, its keywords text); sponsored is per post."""
    k = per_creator
    size = creators * k
    words = np.repeat(keywords, k)
    first_word = np.array([w.split(" ")[0] for w in keywords], dtype=object)
    tags = np.char.add("#", np.char.replace(np.repeat(first_word, k).astype(str), "-", ""))
    body = np.char.add(np.char.add(rng.choice(OPENERS, size), " "), words.astype(str))
    caption = np.char.add(np.char.add(body, ". "), rng.choice(CLOSERS, size))
    caption = np.char.add(np.char.add(np.char.strip(caption), " "), tags)

    fan_of = np.full(creators, "", dtype=object)
    for niche, products in PRODUCTS_BY_NICHE.items():
        members = np.flatnonzero((niches == niche) & (rng.random(creators) < FAN_SHARE))
        fan_of[members] = rng.choice(products, len(members))
    product = np.repeat(fan_of, k)
    mentions = (product != "") & (rng.random(size) < FAN_MENTION) & ~sponsored
    lines = rng.choice(MENTION_LINES, size)
    caption = caption.astype(object)
    caption[mentions] = [
        f"{text} {line.format(name)}"
        for text, line, name in zip(
            caption[mentions], lines[mentions], product[mentions], strict=True
        )
    ]
    caption[sponsored] = np.char.add(
        caption[sponsored].astype(str), " #ad Thanks @demobrand for partnering on this one."
    )
    return caption
