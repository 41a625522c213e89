#!/usr/bin/perl
# Decodes one DMAP reply (stdin) with Net::DAAP::DMAP and prints it as JSON. The first argument
# is a file holding loopcast's /content-codes reply, loaded first with update_content_codes so
# that the module knows every code loopcast sends (daap.md §13.3).
use strict;
use warnings;
no warnings 'uninitialized';
use Net::DAAP::DMAP qw(dmap_unpack);
use JSON::PP;

local $/;
open(my $fh, '<:raw', $ARGV[0]) or die "cannot read $ARGV[0]: $!";
my $cc = <$fh>;
close $fh;
Net::DAAP::DMAP::update_content_codes(dmap_unpack($cc));
binmode STDIN;
my $body = <STDIN>;
print JSON::PP->new->utf8->canonical->allow_nonref->encode(dmap_unpack($body)), "\n";
