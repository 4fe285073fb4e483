// wenyuan: the command-line interface (placeholder until the subcommands land).
#include <cstdio>
int main() { std::puts("wenyuan"); return 0; }
