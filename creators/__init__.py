"""The creator catalogue: creators, posts, audiences, follower samples and their import."""
