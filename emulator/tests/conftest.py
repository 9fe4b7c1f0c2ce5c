"""pytest setup for the emulator's Python tests: import the emulator's packages as launcher.py does."""

import os
import sys

# launcher.py runs as a script from emulator/, so its packages are top-level (`import dataplane`).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
