"""Parameters of the chapter 'memory_supercycle' (see supercycle/params.py for the rules)."""
from supercycle.params import Param

PARAMS: tuple[Param, ...] = ()
