"""Client reports: share links (a campaign's results for people without an account), their
public page and PDF, and the internal PDF of the same report."""
