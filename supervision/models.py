# Models for this stage arrive with its issue; see README.md.
