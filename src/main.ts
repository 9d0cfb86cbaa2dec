import './ui/passage-shell.ts';
