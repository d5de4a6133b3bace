"""Parameters of the chapter 'fact_check' (see supercycle/params.py for the rules)."""
from supercycle.params import Param

PARAMS: tuple[Param, ...] = ()
