// The `flaglens` command line: a thin front-end over the core (it never goes through the server).
console.log('flaglens: not implemented yet');
