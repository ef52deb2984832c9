"""Training records: attempts and their answers, certificates and acknowledgements of the
policy version in force."""
