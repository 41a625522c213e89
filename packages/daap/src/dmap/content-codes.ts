// The one DMAP content-code registry (daap.md §3, style.md item 11). Every other table in the
// library — encoder widths, decoder types, `meta` name lookup, the `/content-codes` reply, the
// query-field map and the item field mapping — is derived from these rows. There is no second list.
//
// Columns: tag, canonical dotted name, wire type, whether libdmapsharing 2.9.41 knows it (core,
// §2.9), whether it is listed in /content-codes, the item field it carries (§5.1) with its
// canonical position, and client quirks. Types follow the odd = unsigned rule (§2.2).

import type { DmapType } from './types.js';

export type Quirk =
  /** payload is the 4 ASCII bytes of another tag (mcnm, §2.7) */
  | 'tag-as-ascii'
  /** a FourCC carried as 4 raw ASCII bytes (ascd, §2.7) */
  | 'fourcc'
  /** a u32 whose value is a packed version u16.u8.u8 (aeSV, §2.6) */
  | 'packed-version'
  /** holds a string inside browse listings (mlit, §2.7) */
  | 'string-in-browse'
  /** never sent by loopcast (FairPlay, DACP, unknown meaning…) */
  | 'never-emitted'
  /** implementations disagree on the width; loopcast's choice is the type column */
  | 'width-differs'
  /** container flag sent only when set */
  | 'sent-when-set';

export type DecodeKind = 'int' | 'string' | 'container' | 'raw' | 'date' | 'version';

export interface ContentCode {
  /** exactly 4 ASCII characters, case-sensitive */
  readonly code: string;
  /** canonical dotted name */
  readonly name: string;
  /** other dotted names accepted in meta / query */
  readonly aliases: readonly string[];
  readonly type: DmapType | 'decode-only';
  /** known to libdmapsharing 2.9.41 (§2.9) */
  readonly core: boolean;
  /** appears in /content-codes */
  readonly listed: boolean;
  /** the Item field it carries (§5.1) */
  readonly field?: ItemFieldName;
  /** canonical write order among item fields (§2.8, §5.1) */
  readonly order?: number;
  readonly quirks: readonly Quirk[];
  /** for decode-only rows: how the decoder reads the payload */
  readonly decodeAs?: DecodeKind;
  readonly note?: string;
}

/** Item fields that map to a registry code (the rest of Item is not sent). */
export type ItemFieldName =
  | 'id'
  | 'kind'
  | 'name'
  | 'persistentId'
  | 'album'
  | 'artist'
  | 'albumArtist'
  | 'genre'
  | 'composer'
  | 'comment'
  | 'grouping'
  | 'year'
  | 'trackNumber'
  | 'trackCount'
  | 'discNumber'
  | 'discCount'
  | 'durationMs'
  | 'size'
  | 'bitrate'
  | 'sampleRate'
  | 'format'
  | 'description'
  | 'codec'
  | 'dateAdded'
  | 'dateModified'
  | 'dateReleased'
  | 'compilation'
  | 'rating'
  | 'bpm'
  | 'disabled'
  | 'dataKind'
  | 'dataUrl'
  | 'startMs'
  | 'stopMs'
  | 'relativeVolume'
  | 'normVolume'
  | 'eqPreset'
  | 'sortName'
  | 'sortArtist'
  | 'sortAlbum'
  | 'sortAlbumArtist'
  | 'sortComposer'
  | 'mediaKind'
  | 'extendedMediaKind'
  | 'hasVideo'
  | 'albumId'
  | 'artistId'
  | 'hasArtwork';

interface RowOptions {
  aliases?: readonly string[];
  field?: ItemFieldName;
  order?: number;
  quirks?: readonly Quirk[];
  decodeAs?: DecodeKind;
  note?: string;
}
const CORE = { core: true, listed: true } as const;
const LISTED = { core: false, listed: true } as const;
const UNLISTED = { core: false, listed: false } as const;

function row(
  code: string,
  name: string,
  type: DmapType | 'decode-only',
  flags: { core: boolean; listed: boolean },
  o: RowOptions = {},
): ContentCode {
  return Object.freeze({
    code,
    name,
    aliases: Object.freeze([...(o.aliases ?? [])]),
    type,
    core: flags.core,
    listed: flags.listed,
    quirks: Object.freeze([...(o.quirks ?? [])]),
    ...(o.field !== undefined ? { field: o.field, order: o.order ?? 0 } : {}),
    ...(o.decodeAs !== undefined ? { decodeAs: o.decodeAs } : {}),
    ...(o.note !== undefined ? { note: o.note } : {}),
  });
}

/** §3.2 (sendable / listed) and §3.3 (decode-only) merged, in one table. */
export const CONTENT_CODES: readonly ContentCode[] = Object.freeze([
  row('abal', 'daap.browsealbumlisting', 12, CORE),
  row('abar', 'daap.browseartistlisting', 12, CORE),
  row('abcp', 'daap.browsecomposerlisting', 12, CORE),
  row('abgn', 'daap.browsegenrelisting', 12, CORE),
  row('abpl', 'daap.baseplaylist', 1, CORE),
  row('abro', 'daap.databasebrowse', 12, CORE),
  row('adbs', 'daap.databasesongs', 12, CORE, {
    aliases: ['daap.returndatabasesongs'],
    note: 'alias daap.returndatabasesongs',
  }),
  row('aeAD', 'com.apple.itunes.adam-ids-array', 12, LISTED),
  row('aeAI', 'com.apple.itunes.itms-artistid', 5, LISTED),
  row('aeCI', 'com.apple.itunes.itms-composerid', 5, LISTED),
  row('aeCR', 'com.apple.itunes.content-rating', 9, LISTED),
  row('aeCs', 'com.apple.itunes.artworkchecksum', 5, LISTED, {
    quirks: ['never-emitted'],
    note: "libdmapsharing (newer than 2.9.41) and OwnTone spelling; the table from iTunes' own /content-codes spells it `aeCS` (see 3.3). Never emitted",
  }),
  row('aeDP', 'com.apple.itunes.drm-platform-id', 5, LISTED),
  row('aeDR', 'com.apple.itunes.drm-user-id', 7, LISTED),
  row('aeDV', 'com.apple.itunes.drm-versions', 5, LISTED),
  row('aeEN', 'com.apple.itunes.episode-num-str', 9, LISTED),
  row('aeES', 'com.apple.itunes.episode-sort', 5, LISTED),
  row('aeFP', 'com.apple.itunes.req-fplay', 1, CORE, {
    quirks: ['never-emitted'],
    note: 'never emitted: announcing it makes iTunes start a FairPlay exchange',
  }),
  row('aeFR', 'dacp.unknown', 1, CORE, {
    quirks: ['never-emitted'],
    note: 'libdmapsharing names it dacp.unknown; never emitted',
  }),
  row('aeGD', 'com.apple.itunes.gapless-enc-dr', 5, LISTED),
  row('aeGE', 'com.apple.itunes.gapless-enc-del', 5, LISTED),
  row('aeGH', 'com.apple.itunes.gapless-heur', 5, LISTED),
  row('aeGI', 'com.apple.itunes.itms-genreid', 5, LISTED),
  row('aeGR', 'com.apple.itunes.gapless-resy', 7, LISTED),
  row('aeGU', 'com.apple.itunes.gapless-dur', 7, LISTED),
  row('aeHD', 'com.apple.itunes.is-hd-video', 1, LISTED),
  row('aeHV', 'com.apple.itunes.has-video', 1, CORE, { field: 'hasVideo', order: 44, note: '1 = video' }),
  row('aeK1', 'com.apple.itunes.drm-key1-id', 7, LISTED),
  row('aeK2', 'com.apple.itunes.drm-key2-id', 7, LISTED),
  row('aeMK', 'com.apple.itunes.mediakind', 1, CORE, { field: 'mediaKind', order: 42, note: '1 = music' }),
  row('aeMk', 'com.apple.itunes.extended-media-kind', 5, LISTED, {
    field: 'extendedMediaKind',
    order: 43,
    note: "4 bytes in OwnTone and libdmapsharing tables (OwnTone's DACP queue code swaps the two widths); containers and items default to 1 (music)",
  }),
  row('aeMQ', 'com.apple.itunes.unknown-MQ', 1, LISTED, {
    note: 'server-info flag copied from iTunes; meaning unknown',
  }),
  row('aeND', 'com.apple.itunes.non-drm-user-id', 7, LISTED),
  row('aeNN', 'com.apple.itunes.network-name', 9, LISTED),
  row('aeNV', 'com.apple.itunes.norm-volume', 5, LISTED, {
    field: 'normVolume',
    order: 35,
    note: 'requested by iTunes 4',
  }),
  row('aePC', 'com.apple.itunes.is-podcast', 1, LISTED),
  row('aePI', 'com.apple.itunes.itms-playlistid', 5, LISTED),
  row('aePP', 'com.apple.itunes.is-podcast-playlist', 1, CORE, {
    quirks: ['sent-when-set'],
    note: 'sent only when set',
  }),
  row('aePS', 'com.apple.itunes.special-playlist', 1, CORE, {
    quirks: ['sent-when-set'],
    note: 'special playlist kind; sent only when set',
  }),
  row('aeSE', 'com.apple.itunes.store-pers-id', 7, LISTED),
  row('aeSF', 'com.apple.itunes.itms-storefrontid', 5, LISTED),
  row('aeSG', 'com.apple.itunes.saved-genius', 1, CORE, {
    quirks: ['sent-when-set'],
    note: 'requested by iTunes 12 container meta; sent only when set',
  }),
  row('aeSI', 'com.apple.itunes.itms-songid', 5, LISTED),
  row('aeSL', 'com.apple.itunes.unknown-SL', 1, LISTED, {
    note: 'server-info flag copied from iTunes; meaning unknown',
  }),
  row('aeSN', 'com.apple.itunes.series-name', 9, LISTED),
  row('aeSP', 'com.apple.itunes.smart-playlist', 1, CORE, { note: '1 on smart containers' }),
  row('aeSR', 'com.apple.itunes.unknown-SR', 1, LISTED, {
    note: 'server-info flag copied from iTunes; meaning unknown',
  }),
  row('aeSU', 'com.apple.itunes.season-num', 5, LISTED),
  row('aeSV', 'com.apple.itunes.music-sharing-version', 5, CORE, {
    quirks: ['packed-version'],
    note: 'payload is a packed version (u16.u8.u8) sent as a u32; dmap-parser calls it a version, flask and OwnTone an int: same bytes',
  }),
  row('aesv', 'com.apple.itunes.music-sharing-version', 5, UNLISTED, {
    quirks: ['never-emitted'],
    note: "lower-case spelling in libdmapsharing's table and its /content-codes; its parser matches `aeSV` and does not know `aesv`. Decode only, never emitted, not listed",
  }),
  row('aeTr', 'com.apple.itunes.unknown-Tr', 1, LISTED, {
    note: 'server-info flag copied from iTunes; meaning unknown',
  }),
  row('aeXD', 'com.apple.itunes.xid', 9, LISTED),
  row('agac', 'daap.groupalbumcount', 5, LISTED, { note: 'album count of an artist group' }),
  row('agal', 'daap.albumgrouping', 12, CORE, { note: 'outer container of /groups?group-type=albums' }),
  row('agar', 'daap.artistgrouping', 12, LISTED, {
    note: "outer container of /groups?group-type=artists; OwnTone emits it but no published table names it: the dotted name is loopcast's",
  }),
  row('agrp', 'daap.songgrouping', 9, CORE, { field: 'grouping', order: 10 }),
  row('aply', 'daap.databaseplaylists', 12, CORE),
  row('aprm', 'daap.playlistrepeatmode', 1, LISTED),
  row('apro', 'daap.protocolversion', 11, CORE),
  row('apsm', 'daap.playlistshufflemode', 1, LISTED),
  row('apso', 'daap.playlistsongs', 12, CORE),
  row('arif', 'daap.resolveinfo', 12, CORE),
  row('arsv', 'daap.resolve', 12, LISTED),
  row('asaa', 'daap.songalbumartist', 9, CORE, { field: 'albumArtist', order: 6 }),
  row('asac', 'daap.songartworkcount', 3, LISTED, {
    field: 'hasArtwork',
    order: 47,
    note: '1 when the item has artwork; only when requested (unknown to libdmapsharing 2.9.41)',
  }),
  row('asai', 'daap.songalbumid', 7, CORE, {
    field: 'albumId',
    order: 45,
    quirks: ['width-differs'],
    note: 'WIDTH DIFFERS: OwnTone 8 bytes, libdmapsharing 4 bytes. loopcast sends 8 (Remote/iTunes shape); libdmapsharing never requests it',
  }),
  row('asal', 'daap.songalbum', 9, CORE, { field: 'album', order: 4 }),
  row('asar', 'daap.songartist', 9, CORE, { field: 'artist', order: 5 }),
  row('asbk', 'daap.bookmarkable', 1, LISTED),
  row('asbo', 'daap.songbookmark', 5, LISTED),
  row('asbr', 'daap.songbitrate', 3, CORE, { field: 'bitrate', order: 18, note: 'kbit/s' }),
  row('asbt', 'daap.songbeatsperminute', 3, CORE, {
    aliases: ['daap.songsbeatsperminute'],
    field: 'bpm',
    order: 28,
    note: 'alias daap.songsbeatsperminute',
  }),
  row('ascd', 'daap.songcodectype', 5, LISTED, {
    field: 'codec',
    order: 22,
    quirks: ['fourcc'],
    note: 'codec FourCC sent as 4 raw ASCII bytes (`mpeg`, `mp4a`, `alac`)',
  }),
  row('ascm', 'daap.songcomment', 9, CORE, { field: 'comment', order: 9 }),
  row('ascn', 'daap.songcontentdescription', 9, LISTED),
  row('asco', 'daap.songcompilation', 1, CORE, {
    aliases: ['daap.songcompliation'],
    field: 'compilation',
    order: 26,
    note: 'alias daap.songcompliation (misspelling in old tables)',
  }),
  row('ascp', 'daap.songcomposer', 9, CORE, { field: 'composer', order: 8 }),
  row('ascr', 'daap.songcontentrating', 1, LISTED),
  row('ascs', 'daap.songcodecsubtype', 5, LISTED),
  row('asct', 'daap.songcategory', 9, LISTED),
  row('asda', 'daap.songdateadded', 10, CORE, { field: 'dateAdded', order: 23 }),
  row('asdb', 'daap.songdisabled', 1, CORE, { field: 'disabled', order: 29 }),
  row('asdc', 'daap.songdisccount', 3, CORE, { field: 'discCount', order: 15 }),
  row('asdk', 'daap.songdatakind', 1, CORE, {
    field: 'dataKind',
    order: 30,
    note: '0 = file, 1 = URL (radio/stream)',
  }),
  row('asdm', 'daap.songdatemodified', 10, CORE, { field: 'dateModified', order: 24 }),
  row('asdn', 'daap.songdiscnumber', 3, CORE, { field: 'discNumber', order: 14 }),
  row('asdp', 'daap.songdatepurchased', 10, LISTED),
  row('asdr', 'daap.songdatereleased', 10, LISTED, { field: 'dateReleased', order: 25 }),
  row('asdt', 'daap.songdescription', 9, CORE, { field: 'description', order: 21 }),
  row('ased', 'daap.songextradata', 3, LISTED, {
    field: 'hasArtwork',
    order: 48,
    note: '1 when the item has artwork; only when requested',
  }),
  row('aseq', 'daap.songeqpreset', 9, CORE, { field: 'eqPreset', order: 36 }),
  row('asfm', 'daap.songformat', 9, CORE, {
    field: 'format',
    order: 20,
    note: 'file extension (`mp3`, `m4a`); also the extension of the play URL',
  }),
  row('asgn', 'daap.songgenre', 9, CORE, { field: 'genre', order: 7 }),
  row('asgp', 'daap.songgapless', 1, LISTED),
  row('asgr', 'daap.supportsgroups', 3, LISTED, {
    note: 'flask lists 4 (signed), libdmapsharing 3; 2 bytes everywhere. Bits: 1 artists, 2 albums, 3 both',
  }),
  row('ashp', 'daap.songhasbeenplayed', 1, LISTED),
  row('askd', 'daap.songlastskipdate', 10, LISTED),
  row('askp', 'daap.songuserskipcount', 5, LISTED),
  row('asky', 'daap.songkeywords', 9, LISTED),
  row('aslc', 'daap.songlongcontentdescription', 9, LISTED),
  row('asls', 'daap.songlongsize', 7, LISTED),
  row('aspc', 'daap.songuserplaycount', 5, LISTED),
  row('aspl', 'daap.songdateplayed', 10, LISTED),
  row('aspu', 'daap.songpodcasturl', 9, LISTED),
  row('asri', 'daap.songartistid', 7, LISTED, { field: 'artistId', order: 46 }),
  row('asrv', 'daap.songrelativevolume', 2, CORE, {
    field: 'relativeVolume',
    order: 34,
    note: "signed; Net::DAAP::DMAP's iTunes 4 table says 1 (same width)",
  }),
  row('assa', 'daap.sortartist', 9, CORE, { field: 'sortArtist', order: 38 }),
  row('assc', 'daap.sortcomposer', 9, LISTED, { field: 'sortComposer', order: 41 }),
  row('assl', 'daap.sortalbumartist', 9, LISTED, { field: 'sortAlbumArtist', order: 40 }),
  row('assn', 'daap.sortname', 9, LISTED, { field: 'sortName', order: 37 }),
  row('assp', 'daap.songstoptime', 5, CORE, { field: 'stopMs', order: 33, note: 'milliseconds' }),
  row('assr', 'daap.songsamplerate', 5, CORE, { field: 'sampleRate', order: 19, note: 'Hz' }),
  row('asss', 'daap.sortseriesname', 9, LISTED),
  row('asst', 'daap.songstarttime', 5, CORE, { field: 'startMs', order: 32, note: 'milliseconds' }),
  row('assu', 'daap.sortalbum', 9, CORE, { field: 'sortAlbum', order: 39 }),
  row('assz', 'daap.songsize', 5, CORE, { field: 'size', order: 17 }),
  row('astc', 'daap.songtrackcount', 3, CORE, { field: 'trackCount', order: 13 }),
  row('astm', 'daap.songtime', 5, CORE, { field: 'durationMs', order: 16, note: 'milliseconds' }),
  row('astn', 'daap.songtracknumber', 3, CORE, { field: 'trackNumber', order: 12 }),
  row('asul', 'daap.songdataurl', 9, CORE, { field: 'dataUrl', order: 31, note: 'URL for `asdk`=1 items' }),
  row('asur', 'daap.songuserrating', 1, CORE, { field: 'rating', order: 27, note: '0–100' }),
  row('asyr', 'daap.songyear', 3, CORE, { field: 'year', order: 11 }),
  row('ated', 'daap.supportsextradata', 3, LISTED, { note: 'flask sends 1, OwnTone 7; 2 bytes' }),
  row('avdb', 'daap.serverdatabases', 12, CORE),
  row('f?ch', 'dmap.haschildcontainers', 1, CORE, {
    note: 'odd 4CC; requested by iTunes 12 container meta; 1 when a folder has children',
  }),
  row('mbcl', 'dmap.bag', 12, CORE),
  row('mccr', 'dmap.contentcodesresponse', 12, CORE),
  row('mcna', 'dmap.contentcodesname', 9, CORE),
  row('mcnm', 'dmap.contentcodesnumber', 5, CORE, {
    quirks: ['tag-as-ascii'],
    note: "payload is the 4 ASCII bytes of the tag (2.7); Net::DAAP::DMAP's table types it as a string (9)",
  }),
  row('mcon', 'dmap.container', 12, CORE),
  row('mctc', 'dmap.containercount', 5, CORE),
  row('mcti', 'dmap.containeritemid', 5, CORE, { note: 'kept in 1…2^31−1' }),
  row('mcty', 'dmap.contentcodestype', 3, CORE),
  row('mdbk', 'dmap.databasekind', 5, LISTED, { note: 'database kind: 1 library, 0x64 radio (OwnTone)' }),
  row('mdcl', 'dmap.dictionary', 12, CORE),
  row('meds', 'dmap.editcommandssupported', 5, LISTED, {
    note: 'OwnTone sends 3 in /databases; loopcast does not',
  }),
  row('miid', 'dmap.itemid', 5, CORE, { field: 'id', order: 0, note: 'kept in 1…2^31−1 (2.3)' }),
  row('mikd', 'dmap.itemkind', 1, CORE, {
    field: 'kind',
    order: 1,
    note: '2 = song; first child of every item `mlit`',
  }),
  row('mimc', 'dmap.itemcount', 5, CORE),
  row('minm', 'dmap.itemname', 9, CORE, { field: 'name', order: 2 }),
  row('mlcl', 'dmap.listing', 12, CORE),
  row('mlid', 'dmap.sessionid', 5, CORE, { note: 'kept in 100…2^31−1 (6.5)' }),
  row('mlit', 'dmap.listingitem', 12, CORE, {
    quirks: ['string-in-browse'],
    note: 'holds a string, not a container, inside browse listings (2.7)',
  }),
  row('mlog', 'dmap.loginresponse', 12, CORE),
  row('mpco', 'dmap.parentcontainerid', 5, CORE, { note: '0 = top level' }),
  row('mper', 'dmap.persistentid', 7, CORE, {
    field: 'persistentId',
    order: 3,
    note: '64-bit; ids kept in 1…2^63−1 (2.3)',
  }),
  row('mpro', 'dmap.protocolversion', 11, CORE),
  row('mrco', 'dmap.returnedcount', 5, CORE),
  row('msal', 'dmap.supportsautologout', 1, CORE),
  row('msas', 'dmap.authenticationschemes', 5, CORE, {
    aliases: ['daap.authentication.schemes'],
    quirks: ['never-emitted', 'width-differs'],
    note: 'WIDTH DIFFERS: libdmapsharing 1 byte, flask/OwnTone 4; also named daap.authentication.schemes. Never emitted',
  }),
  row('msau', 'dmap.authenticationmethod', 1, CORE, { note: '0 none, 1 name+password, 2 password' }),
  row('msbr', 'dmap.supportsbrowse', 1, CORE),
  row('msdc', 'dmap.databasescount', 5, CORE),
  row('msed', 'dmap.supportsedit', 1, LISTED, {
    aliases: ['com.apple.itunes.unknown-ed'],
    note: 'alias com.apple.itunes.unknown-ed',
  }),
  row('msex', 'dmap.supportsextensions', 1, CORE),
  row('mshc', 'dmap.sortingheaderchar', 3, LISTED, {
    note: "ASCII code of the header letter; OwnTone's table says 4 (signed), same width",
  }),
  row('mshi', 'dmap.sortingheaderindex', 5, LISTED, { note: 'index of the first entry under the letter' }),
  row('mshl', 'dmap.sortingheaderlisting', 12, LISTED, {
    note: "OwnTone's commented table says 5, but it is emitted as a container of `mlit{mshc,mshi,mshn}`",
  }),
  row('mshn', 'dmap.sortingheadernumber', 5, LISTED, { note: 'number of entries under the letter' }),
  row('msix', 'dmap.supportsindex', 1, CORE),
  row('mslr', 'dmap.loginrequired', 1, CORE),
  row('msma', 'dmap.speakermachineaddress', 5, CORE, {
    aliases: ['dmap.machineaddress'],
    quirks: ['never-emitted'],
    note: 'alias dmap.machineaddress; never emitted',
  }),
  row('mspi', 'dmap.supportspersistentids', 1, CORE, {
    aliases: ['dmap.supportspersistenids'],
    note: 'alias dmap.supportspersistenids (libdmapsharing spelling)',
  }),
  row('msqy', 'dmap.supportsquery', 1, CORE),
  row('msrs', 'dmap.supportsresolve', 1, CORE, {
    quirks: ['never-emitted'],
    note: 'not emitted: loopcast has no /resolve',
  }),
  row('msrv', 'dmap.serverinforesponse', 12, CORE),
  row('mstc', 'dmap.utctime', 10, LISTED, { quirks: ['never-emitted'], note: 'not emitted' }),
  row('mstm', 'dmap.timeoutinterval', 5, CORE, { note: 'seconds' }),
  row('msto', 'dmap.utcoffset', 6, LISTED, {
    quirks: ['never-emitted'],
    note: 'signed seconds east of UTC; not emitted',
  }),
  row('msts', 'dmap.statusstring', 9, CORE),
  row('mstt', 'dmap.status', 5, CORE),
  row('msup', 'dmap.supportsupdate', 1, CORE),
  row('mtco', 'dmap.specifiedtotalcount', 5, CORE),
  row('mudl', 'dmap.deletedidlisting', 12, CORE),
  row('mupd', 'dmap.updateresponse', 12, CORE),
  row('musr', 'dmap.serverrevision', 5, CORE),
  row('muty', 'dmap.updatetype', 1, CORE, { note: '0 full listing, 1 delta' }),
  row('aeCD', 'com.apple.itunes.flat-chapter-data', 'decode-only', UNLISTED, { decodeAs: 'raw' }),
  row('aeCd', 'com.apple.itunes.cloud-id', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aeCF', 'com.apple.itunes.cloud-flavor-id', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aeCK', 'com.apple.itunes.cloud-library-kind', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aeCM', 'com.apple.itunes.cloud-match-type', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aecp', 'com.apple.itunes.collection-description', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('aeCS', 'com.apple.itunes.artworkchecksum', 'decode-only', UNLISTED, {
    decodeAs: 'int',
    note: "spelling in the table taken from iTunes' own /content-codes; libdmapsharing/OwnTone use `aeCs` (3.2)",
  }),
  row('aeCU', 'com.apple.itunes.cloud-user-id', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aeDE', 'com.apple.itunes.longest-content-description', 'decode-only', UNLISTED, {
    decodeAs: 'string',
  }),
  row('aeDL', 'com.apple.itunes.drm-downloader-user-id', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aeFA', 'com.apple.itunes.drm-family-id', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aeGs', 'com.apple.itunes.can-be-genius-seed', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aeHC', 'com.apple.itunes.has-chapter-data', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aels', 'com.apple.itunes.liked-state', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aeMC', 'com.apple.itunes.playlist-contains-media-type-count', 'decode-only', UNLISTED, {
    decodeAs: 'int',
    note: 'not the same as the unmapped query field com.apple.itunes.playlist-contains-media-type (6.18)',
  }),
  row('aemi', 'com.apple.itunes.media-kind-listing-item', 'decode-only', UNLISTED, { decodeAs: 'container' }),
  row('aeml', 'com.apple.itunes.media-kind-listing', 'decode-only', UNLISTED, { decodeAs: 'container' }),
  row('aeMX', 'com.apple.itunes.movie-info-xml', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('aeRD', 'com.apple.itunes.rental-duration', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aeRf', 'com.apple.itunes.is-featured', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aeRP', 'com.apple.itunes.rental-pb-start', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aeRS', 'com.apple.itunes.rental-start', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aeRU', 'com.apple.itunes.rental-pb-duration', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('agma', 'daap.groupmatchedqueryalbumcount', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('agmi', 'daap.groupmatchedqueryitemcount', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ajAE', 'com.apple.itunes.store.ams-episode-type', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ajal', 'com.apple.itunes.store.album-liked-state', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ajAS', 'com.apple.itunes.store.ams-episode-sort-order', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ajAT', 'com.apple.itunes.store.ams-show-type', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ajAV', 'com.apple.itunes.store.is-ams-video', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ajcA', 'com.apple.itunes.store.show-composer-as-artist', 'decode-only', UNLISTED, {
    decodeAs: 'int',
    note: 'two spellings carry the same name',
  }),
  row('ajca', 'com.apple.itunes.store.show-composer-as-artist', 'decode-only', UNLISTED, {
    decodeAs: 'int',
    note: 'two spellings carry the same name',
  }),
  row('ajuw', 'com.apple.itunes.store.use-work-name-as-display-name', 'decode-only', UNLISTED, {
    decodeAs: 'int',
  }),
  row('amvc', 'daap.songmovementcount', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('amvm', 'daap.songmovementname', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('amvn', 'daap.songmovementnumber', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('asas', 'daap.songalbumuserratingstatus', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ases', 'daap.songexcludefromshuffle', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('aslr', 'daap.songalbumuserrating', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('asrs', 'daap.songuserratingstatus', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('asvc', 'daap.songprimaryvideocodec', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('awrk', 'daap.songwork', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('mdst', 'dmap.downloadstatus', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('meia', 'dmap.itemdateadded', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('meip', 'dmap.itemdateplayed', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('mext', 'dmap.objectextradata', 'decode-only', UNLISTED, {
    decodeAs: 'int',
    note: 'requested by iTunes 12 container meta; four independent client tables give it 2 bytes; loopcast skips it',
  }),
  row('mrpr', 'dmap.remotepersistentid', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('msml', 'msml', 'decode-only', UNLISTED, { decodeAs: 'container', note: 'name unknown' }),
  row('caar', 'dacp.albumrepeat', 'decode-only', UNLISTED, {
    aliases: ['dacp.availablerepeatstates'],
    decodeAs: 'int',
    note: 'alias dacp.availablerepeatstates',
  }),
  row('caas', 'dacp.albumshuffle', 'decode-only', UNLISTED, {
    aliases: ['dacp.availableshufflestates'],
    decodeAs: 'int',
    note: 'alias dacp.availableshufflestates',
  }),
  row('caci', 'dacp.controlint', 'decode-only', UNLISTED, {
    decodeAs: 'container',
    note: 'some tables call it `caci`',
  }),
  row('cacr', 'dacp.cacr', 'decode-only', UNLISTED, { decodeAs: 'container' }),
  row('cafe', 'dacp.fullscreenenabled', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('cafs', 'dacp.fullscreen', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('cahp', 'dacp.unknown', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('caia', 'dacp.isavailiable', 'decode-only', UNLISTED, {
    aliases: ['dacp.isactive'],
    decodeAs: 'int',
    note: 'alias dacp.isactive',
  }),
  row('caiv', 'dacp.unknown', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('cana', 'dacp.nowplayingartist', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('cang', 'dacp.nowplayinggenre', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('canl', 'dacp.nowplayingalbum', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('cann', 'dacp.nowplayingtrack', 'decode-only', UNLISTED, {
    aliases: ['dacp.nowplayingname'],
    decodeAs: 'string',
    note: 'alias dacp.nowplayingname',
  }),
  row('canp', 'dacp.nowplaying', 'decode-only', UNLISTED, {
    aliases: ['dacp.nowplayingids'],
    decodeAs: 'int',
    note: 'alias dacp.nowplayingids',
  }),
  row('cant', 'dacp.remainingtime', 'decode-only', UNLISTED, {
    aliases: ['dacp.nowplayingtime'],
    decodeAs: 'int',
    note: 'alias dacp.nowplayingtime',
  }),
  row('caov', 'dacp.unknown', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('capr', 'dacp.unknown', 'decode-only', UNLISTED, {
    aliases: ['dacp.protocolversion'],
    decodeAs: 'version',
    note: 'alias dacp.protocolversion',
  }),
  row('caps', 'dacp.playstatus', 'decode-only', UNLISTED, {
    aliases: ['dacp.playerstate'],
    decodeAs: 'int',
    note: 'alias dacp.playerstate',
  }),
  row('carp', 'dacp.repeatstate', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('caSG', 'dacp.sg', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('cash', 'dacp.shufflestate', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('casp', 'dacp.speakers', 'decode-only', UNLISTED, { decodeAs: 'container' }),
  row('cass', 'dacp.ss', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('cast', 'dacp.tracklength', 'decode-only', UNLISTED, {
    aliases: ['dacp.songtime'],
    decodeAs: 'int',
    note: 'alias dacp.songtime',
  }),
  row('casu', 'dacp.su', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('cavc', 'dacp.unknwon', 'decode-only', UNLISTED, {
    aliases: ['dacp.volumecontrollable'],
    decodeAs: 'int',
    note: 'alias dacp.volumecontrollable',
  }),
  row('cave', 'dacp.visualizerenabled', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('cavs', 'dacp.visualizer', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ceJC', 'com.apple.itunes.jukebox-client-vote', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ceJI', 'com.apple.itunes.jukebox-current', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ceJS', 'com.apple.itunes.jukebox-score', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ceJV', 'com.apple.itunes.jukebox-vote', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ceQa', 'com.apple.itunes.playqueue-album', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('ceQg', 'com.apple.itunes.playqueue-genre', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('ceQn', 'com.apple.itunes.playqueue-name', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('ceQR', 'com.apple.itunes.playqueue-contents-response', 'decode-only', UNLISTED, {
    decodeAs: 'container',
  }),
  row('ceQr', 'com.apple.itunes.playqueue-artist', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('cmcp', 'dmcp.controlprompt', 'decode-only', UNLISTED, { decodeAs: 'container' }),
  row('cmgt', 'dmcp.getpropertyresponse', 'decode-only', UNLISTED, { decodeAs: 'container' }),
  row('cmik', 'dmcp.ik', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('cmmk', 'dmcp.mediakind', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('cmnm', 'dacp.contentname', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('cmpa', 'dacp.contentcontainer', 'decode-only', UNLISTED, { decodeAs: 'container' }),
  row('cmpg', 'dacp.passguid', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('cmpr', 'dacp.unknown', 'decode-only', UNLISTED, {
    aliases: ['dmcp.protocolversion'],
    decodeAs: 'version',
    note: 'alias dmcp.protocolversion',
  }),
  row('cmrl', 'dacp.unknown', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('cmsp', 'dmcp.ik', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('cmsr', 'dmcp.mediarevision', 'decode-only', UNLISTED, {
    aliases: ['dmcp.serverrevision'],
    decodeAs: 'int',
    note: 'alias dmcp.serverrevision',
  }),
  row('cmst', 'dmcp.status', 'decode-only', UNLISTED, {
    aliases: ['dmcp.playstatus'],
    decodeAs: 'container',
    note: 'alias dmcp.playstatus',
  }),
  row('cmsv', 'dmcp.sv', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('cmty', 'dacp.contentvalue', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('cmvo', 'dmcp.volume', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ipsa', 'dpap.iphotoslideshowadvancedoptions', 'decode-only', UNLISTED, { decodeAs: 'container' }),
  row('ipsl', 'dpap.iphotoslideshowoptions', 'decode-only', UNLISTED, { decodeAs: 'container' }),
  row('pasp', 'dpap.aspectratio', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('pcmt', 'dpap.imagecomments', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('peak', 'com.apple.itunes.photos.album-kind', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('peed', 'com.apple.itunes.photos.exposure-date', 'decode-only', UNLISTED, { decodeAs: 'date' }),
  row('pefc', 'com.apple.itunes.photos.faces', 'decode-only', UNLISTED, { decodeAs: 'container' }),
  row('peki', 'com.apple.itunes.photos.key-image-id', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('pekm', 'com.apple.itunes.photos.key-image', 'decode-only', UNLISTED, { decodeAs: 'container' }),
  row('pemd', 'com.apple.itunes.photos.modification-date', 'decode-only', UNLISTED, { decodeAs: 'date' }),
  row('pfai', 'dpap.failureids', 'decode-only', UNLISTED, { decodeAs: 'container' }),
  row('pfdt', 'dpap.filedata', 'decode-only', UNLISTED, {
    aliases: ['dpap.picturedata'],
    decodeAs: 'raw',
    note: 'libdmapsharing and Net::DAAP::DMAP read the picture as raw bytes; alias dpap.picturedata',
  }),
  row('pfmt', 'dpap.imageformat', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('phgt', 'dpap.imagepixelheight', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('picd', 'dpap.creationdate', 'decode-only', UNLISTED, { decodeAs: 'date' }),
  row('pifs', 'dpap.imagefilesize', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('pimf', 'dpap.imagefilename', 'decode-only', UNLISTED, { decodeAs: 'string' }),
  row('plsz', 'dpap.imagelargefilesize', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('ppro', 'dpap.protocolversion', 'decode-only', UNLISTED, {
    decodeAs: 'version',
    note: 'flask lists it as a 4-byte int; same bytes',
  }),
  row('prat', 'dpap.imagerating', 'decode-only', UNLISTED, { decodeAs: 'int' }),
  row('pret', 'dpap.unknown', 'decode-only', UNLISTED, {
    aliases: ['dpap.pret', 'dpap.retryids'],
    decodeAs: 'container',
    note: 'WIDTH DIFFERS: libdmapsharing reads a string, others a container; aliases dpap.pret, dpap.retryids',
  }),
  row('prsv', 'daap.resolve', 'decode-only', UNLISTED, {
    decodeAs: 'container',
    note: 'libdmapsharing names it daap.resolve',
  }),
  row('pwth', 'dpap.imagepixelwidth', 'decode-only', UNLISTED, { decodeAs: 'int' }),
]);
