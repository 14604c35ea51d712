"""Action plans structured after the action-plan method."""
