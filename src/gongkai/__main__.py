from gongkai.cli import console

console()
