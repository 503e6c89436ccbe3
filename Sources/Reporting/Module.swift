// Reporting: see the module README in the repository README.
