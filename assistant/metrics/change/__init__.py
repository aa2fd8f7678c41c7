"""Why a figure moved: two values compared, a noise verdict, and where the change came from."""
