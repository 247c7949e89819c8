from . import pgcopy
