// Placeholder entry point; the sandbox issue fills this project.
return 0;
