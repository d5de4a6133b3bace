"""Parameters of the chapter 'sources_and_data' (see supercycle/params.py for the rules)."""
from supercycle.params import Param

PARAMS: tuple[Param, ...] = ()
